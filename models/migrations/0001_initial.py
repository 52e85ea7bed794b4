from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import AgencyKind, AgencyLevel, AgencyState, CertificateInvalidation, FilingKind, FilingStatus, RegionLevel, SanctionGrade, SanctionStatus, SiteTenure, SkillLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Region',
            fields=[
                ('code', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=6)),
                ('name', fields.CharField(max_length=32)),
                ('level', fields.CharEnumField(description='PROVINCE: PROVINCE\nCITY: CITY', enum_type=RegionLevel, max_length=8)),
                ('parent', fields.ForeignKeyField('registry.Region', source_field='parent_id', null=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'region', 'app': 'registry', 'pk_attr': 'code'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Agency',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('credit_code', fields.CharField(unique=True, max_length=18)),
                ('kind', fields.CharEnumField(description='EMPLOYER: EMPLOYER\nSOCIAL_ORG: SOCIAL_ORG', enum_type=AgencyKind, max_length=16)),
                ('is_college', fields.BooleanField(default=False)),
                ('level', fields.CharEnumField(description='PROVINCIAL: PROVINCIAL\nCITY: CITY', enum_type=AgencyLevel, max_length=16)),
                ('filing_region', fields.ForeignKeyField('registry.Region', source_field='filing_region_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=AgencyState.PENDING, description='PENDING: PENDING\nACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nTERMINATED: TERMINATED\nREVOKED: REVOKED', enum_type=AgencyState, max_length=16)),
                ('first_approved_on', fields.DateField(null=True)),
                ('valid_until', fields.DateField(null=True)),
                ('banned_until', fields.DateField(null=True)),
                ('legal_representative', fields.CharField(null=True, max_length=64)),
                ('contact_name', fields.CharField(null=True, max_length=64)),
                ('contact_phone', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agency', 'app': 'registry', 'indexes': [Index(fields=['state', 'valid_until'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('actor_role', fields.CharField(max_length=16)),
                ('actor_id', fields.CharField(max_length=128)),
                ('action', fields.CharField(max_length=64)),
                ('object_type', fields.CharField(max_length=32)),
                ('object_id', fields.CharField(max_length=64)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('region', fields.ForeignKeyField('registry.Region', source_field='region_id', null=True, db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('request_id', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Filing',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='INITIAL: INITIAL\nRENEWAL: RENEWAL\nSCOPE_CHANGE: SCOPE_CHANGE\nINFO_CHANGE: INFO_CHANGE\nTERMINATION: TERMINATION', enum_type=FilingKind, max_length=16)),
                ('status', fields.CharEnumField(default=FilingStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nAPPROVED: APPROVED\nREJECTED: REJECTED\nWITHDRAWN: WITHDRAWN', enum_type=FilingStatus, max_length=16)),
                ('authority', fields.ForeignKeyField('registry.Region', source_field='authority_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_until', fields.DateField(null=True)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('new_name', fields.CharField(null=True, max_length=200)),
                ('new_legal_representative', fields.CharField(null=True, max_length=64)),
                ('imported', fields.BooleanField(default=False)),
            ],
            options={'table': 'filing', 'app': 'registry', 'indexes': [Index(fields=['status', 'agency_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sanction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('article', fields.SmallIntField()),
                ('clause', fields.SmallIntField()),
                ('grade', fields.CharEnumField(description='INTERVIEW: INTERVIEW\nRECTIFICATION: RECTIFICATION\nREVOCATION: REVOCATION', enum_type=SanctionGrade, max_length=16)),
                ('status', fields.CharEnumField(default=SanctionStatus.EFFECTIVE, description='PROPOSED: PROPOSED\nEFFECTIVE: EFFECTIVE\nWITHDRAWN: WITHDRAWN', enum_type=SanctionStatus, max_length=16)),
                ('facts', fields.TextField(unique=False)),
                ('serious', fields.BooleanField(default=False)),
                ('certificates_invalidated', fields.CharEnumField(default=CertificateInvalidation.NONE, description='NONE: NONE\nPARTIAL: PARTIAL\nALL: ALL', enum_type=CertificateInvalidation, max_length=8)),
                ('authority', fields.ForeignKeyField('registry.Region', source_field='authority_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DateField(null=True)),
                ('published', fields.BooleanField(default=False, db_index=True)),
                ('escalated_from', fields.ForeignKeyField('registry.Sanction', source_field='escalated_from_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('rectification_deadline', fields.DateField(null=True)),
                ('rectified_at', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sanction', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Site',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('registry.Agency', source_field='agency_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=200)),
                ('address', fields.CharField(max_length=300)),
                ('address_key', fields.CharField(max_length=300)),
                ('region', fields.ForeignKeyField('registry.Region', source_field='region_id', db_index=True, db_constraint=True, to_field='code', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('tenure', fields.CharEnumField(description='OWNED: OWNED\nLONG_TERM_LEASE: LONG_TERM_LEASE\nCOLLEGE_CAMPUS: COLLEGE_CAMPUS\nTEMPORARY_RENTAL: TEMPORARY_RENTAL', enum_type=SiteTenure, max_length=24)),
                ('has_video_surveillance', fields.BooleanField()),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'site', 'app': 'registry', 'unique_together': (('region', 'address_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FilingItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('filing', fields.ForeignKeyField('registry.Filing', source_field='filing_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('occupation_code', fields.CharField(max_length=11)),
                ('occupation_name', fields.CharField(max_length=64)),
                ('level', fields.CharEnumField(description='LEVEL_5: LEVEL_5\nLEVEL_4: LEVEL_4\nLEVEL_3: LEVEL_3\nLEVEL_2: LEVEL_2\nLEVEL_1: LEVEL_1', enum_type=SkillLevel, max_length=8)),
                ('site', fields.ForeignKeyField('registry.Site', source_field='site_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'filing_item', 'app': 'registry', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
