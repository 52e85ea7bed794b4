from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AnnouncementKind, TerminationReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('registry', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Announcement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='INFO_CHANGE: INFO_CHANGE\nTERMINATION: TERMINATION\nSANCTION: SANCTION', enum_type=AnnouncementKind, max_length=16)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('filing', fields.ForeignKeyField('registry.Filing', source_field='filing_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('authority', fields.ForeignKeyField('registry.Region', source_field='authority_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('termination_reason', fields.CharEnumField(null=True, description='UNAPPROVED_SITE_CHANGE: UNAPPROVED_SITE_CHANGE\nVOLUNTARY: VOLUNTARY\nOTHER: OTHER', enum_type=TerminationReason, max_length=32)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('body', fields.TextField(unique=False)),
                ('published', fields.BooleanField(default=True)),
                ('reported_to_ministry_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'announcement', 'app': 'registry', 'indexes': [Index(fields=['start_date', 'end_date'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('site', fields.ForeignKeyField('registry.Site', source_field='site_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('occupation_code', fields.CharField(max_length=11)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('item', fields.ForeignKeyField('registry.FilingItem', source_field='item_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('claimed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'item_claim', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkingCalendarDay',
            fields=[
                ('day', fields.DateField(primary_key=True, unique=True, db_index=True)),
                ('is_working_day', fields.BooleanField()),
            ],
            options={'table': 'working_calendar_day', 'app': 'registry', 'pk_attr': 'day', 'table_description': 'An exception to Monday-Friday in an entered year: a holiday or a make-up working day.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkingCalendarYear',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('entered_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('entered_by', fields.CharField(max_length=128)),
            ],
            options={'table': 'working_calendar_year', 'app': 'registry', 'pk_attr': 'id', 'table_description': 'A year whose calendar the province entered, overriding the packaged data.'},
            bases=['Model'],
        ),
        # Art. 12 held by the database: one agency per (site, occupation) among claims in force.
        ops.RunSQL(
            "CREATE UNIQUE INDEX uq_item_claim_in_force ON item_claim (site_id, occupation_code) "
            "WHERE released_at IS NULL",
            reverse_sql="DROP INDEX uq_item_claim_in_force",
        ),
    ]
