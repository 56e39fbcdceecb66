"""App config for posts."""

from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "koshiki.posts"
    label = "posts"
    verbose_name = "投稿"
