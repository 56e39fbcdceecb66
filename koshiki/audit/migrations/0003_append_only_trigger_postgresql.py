"""Append-only at the database level on PostgreSQL: UPDATE and DELETE on audit events raise.

A trigger rather than permissions alone, because the application's own role
owns the table after ``migrate``; docs/deploy.md adds the role split (the app
runs as a role with INSERT and SELECT only). SQLite has no such guard; there
the keyed chain (HMAC) and the anchors detect a rewrite. Runs nothing on
other databases.
"""

from django.db import migrations

_CREATE = """
CREATE OR REPLACE FUNCTION koshiki_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '監査証跡は追記のみです（% は禁止されています）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS koshiki_audit_append_only ON audit_auditevent;
CREATE TRIGGER koshiki_audit_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION koshiki_audit_append_only();
"""

_DROP = """
DROP TRIGGER IF EXISTS koshiki_audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS koshiki_audit_append_only();
"""


def _create(apps, schema_editor):  # noqa: ANN001, ANN202
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_CREATE, params=None)


def _drop(apps, schema_editor):  # noqa: ANN001, ANN202
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_auditevent_municipality")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
