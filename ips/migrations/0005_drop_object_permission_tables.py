"""Object rights are derived from portfolios and teams at request time; the stored ones are dropped."""

from django.db import migrations

TABLES = ("guardian_userobjectpermission", "guardian_groupobjectpermission")


class Migration(migrations.Migration):
    dependencies = [("ips", "0004_user_is_api_client")]

    operations = [
        migrations.RunSQL(f"DROP TABLE IF EXISTS {table}", reverse_sql=migrations.RunSQL.noop) for table in TABLES
    ]
