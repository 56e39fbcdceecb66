"""App config for paid third-party campaigns."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "koshiki.campaigns"
    label = "campaigns"
    verbose_name = "第三者への発信依頼"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "posts.campaign.create": "第三者への発信依頼の登録",
        "posts.campaign.reissue_link": "提出用リンクの再発行",
        "posts.campaign.close": "第三者への発信依頼の終了",
        "posts.campaign.submit": "第三者からの投稿案の提出",
        "posts.campaign.precheck": "第三者の投稿案の事前確認",
        "posts.campaign.publish": "第三者の投稿の記録",
        "posts.campaign.recheck": "第三者の投稿の再確認",
        "posts.campaign.before_precheck": "事前確認前の第三者の投稿（エラー）",
    }
    # Related rows each recorded object's ``str()`` reads, loaded with it by audit.labels.
    audit_related = {
        "campaigns.campaignsubmission": ("campaign",),
        "campaigns.campaignpublication": ("submission__campaign",),
    }
