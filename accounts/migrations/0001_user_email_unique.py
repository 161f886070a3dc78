"""An e-mail address, when given, belongs to one account: a unique index on the lower-cased
address, partial so that the many accounts without one (email = "") do not collide. Django's
User model is not ours to add a constraint to, so the index is written in SQL (the same
statement works on PostgreSQL and SQLite)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX accounts_user_email_ci_unique "
            "ON auth_user (LOWER(email)) WHERE email <> ''",
            reverse_sql="DROP INDEX accounts_user_email_ci_unique",
        )
    ]
