from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import InspectionKind, InspectionMode, InspectionResult
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('registry', '0002_filing_lifecycle')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Draw',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seed', fields.CharField(max_length=128)),
                ('algorithm', fields.CharField(max_length=32)),
                ('population_hash', fields.CharField(max_length=64)),
                ('pool_hash', fields.CharField(max_length=64)),
                ('population', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('pool', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('parameters', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('assignments', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('published', fields.BooleanField(default=True, db_index=True)),
                ('authority', fields.ForeignKeyField('registry.Region', source_field='authority_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'draw', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Inspection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('site', fields.ForeignKeyField('registry.Site', source_field='site_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='EXTERNAL: EXTERNAL\nINTERNAL: INTERNAL', enum_type=InspectionKind, max_length=8)),
                ('mode', fields.CharEnumField(description='RANDOM: RANDOM\nEVERY_EXAM: EVERY_EXAM\nSPECIAL: SPECIAL', enum_type=InspectionMode, max_length=16)),
                ('date', fields.DateField()),
                ('result', fields.CharEnumField(description='QUALIFIED: QUALIFIED\nUNQUALIFIED: UNQUALIFIED', enum_type=InspectionResult, max_length=16)),
                ('findings', fields.TextField(null=True, unique=False)),
                ('published', fields.BooleanField(default=False, db_index=True)),
                ('authority', fields.ForeignKeyField('registry.Region', source_field='authority_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inspection', 'app': 'registry', 'indexes': [Index(fields=['agency_id', 'kind', 'result', 'date'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Inspector',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('region', fields.ForeignKeyField('registry.Region', source_field='region_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inspector', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectorConflict',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('inspector', fields.ForeignKeyField('registry.Inspector', source_field='inspector_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'inspector_conflict', 'app': 'registry', 'unique_together': (('inspector', 'agency'),), 'pk_attr': 'id', 'table_description': 'An inspector may not inspect an agency they have ties to (回避).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Agency',
            name='national_recommended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Agency',
            name='upgrade_basis',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='Agency',
            name='upgrade_recommended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
