"""baseline workspace schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 08:44:25.971152
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area_layers',
    sa.Column('layer', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('layer')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object', sa.Text(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('entrances',
    sa.Column('entrance_id', sa.String(length=36), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=20), nullable=False),
    sa.Column('postcode', sa.String(length=4), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('kommunekode', sa.String(length=4), nullable=False),
    sa.Column('address_key', sa.String(length=300), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('node_id', sa.BigInteger(), nullable=True),
    sa.Column('snap_m', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('entrance_id')
    )
    with op.batch_alter_table('entrances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entrances_address_key'), ['address_key'], unique=False)

    op.create_table('import_batches',
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('batch_id')
    )
    op.create_table('network_nodes',
    sa.Column('node_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('node_id')
    )
    op.create_table('partners',
    sa.Column('partner_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('partner_id')
    )
    op.create_table('users',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kommunekode', sa.String(length=4), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('boundary_wkb', sa.LargeBinary(), nullable=True),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('areas',
    sa.Column('layer', sa.String(length=60), nullable=False),
    sa.Column('area_id', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('geometry_wkb', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['layer'], ['area_layers.layer'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('layer', 'area_id')
    )
    op.create_table('buildings',
    sa.Column('building_id', sa.String(length=36), nullable=False),
    sa.Column('entrance_id', sa.String(length=36), nullable=True),
    sa.Column('use_code', sa.String(length=10), nullable=False),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('flats', sa.Integer(), nullable=False),
    sa.Column('x', sa.Float(), nullable=True),
    sa.Column('y', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.entrance_id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('building_id')
    )
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buildings_entrance_id'), ['entrance_id'], unique=False)

    op.create_table('network_edges',
    sa.Column('u', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('v', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.Column('highway', sa.String(length=40), nullable=False),
    sa.Column('geometry_wkb', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['u'], ['network_nodes.node_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['v'], ['network_nodes.node_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('u', 'v')
    )
    op.create_table('register_problems',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('file', sa.String(length=300), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.batch_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_problems_batch_id'), ['batch_id'], unique=False)

    op.create_table('units',
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('entrance_id', sa.String(length=36), nullable=False),
    sa.Column('floor', sa.String(length=10), nullable=False),
    sa.Column('door', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.entrance_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id')
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_entrance_id'), ['entrance_id'], unique=False)

    op.create_table('bbr_units',
    sa.Column('bbr_unit_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('use_code', sa.String(length=10), nullable=False),
    sa.Column('dwelling_type', sa.String(length=10), nullable=False),
    sa.Column('rooms', sa.String(length=10), nullable=False),
    sa.Column('tenure', sa.String(length=10), nullable=False),
    sa.Column('public_support', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.unit_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('bbr_unit_id')
    )
    with op.batch_alter_table('bbr_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bbr_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('signals',
    sa.Column('signal_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('received', sa.Date(), nullable=False),
    sa.Column('entrance_id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.Column('partner_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('external_ref', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('credibility', sa.Integer(), nullable=False),
    sa.Column('match_quality', sa.String(length=10), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('assessment', sa.String(length=20), nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.batch_id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entrance_id'], ['entrances.entrance_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.partner_id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.unit_id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('signal_id'),
    sa.UniqueConstraint('source', 'external_ref', name='uq_signal_source_ref')
    )
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signals_entrance_id'), ['entrance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signals_kind'), ['kind'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signals_kind'))
        batch_op.drop_index(batch_op.f('ix_signals_entrance_id'))

    op.drop_table('signals')
    with op.batch_alter_table('bbr_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bbr_units_unit_id'))

    op.drop_table('bbr_units')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_entrance_id'))

    op.drop_table('units')
    with op.batch_alter_table('register_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_problems_batch_id'))

    op.drop_table('register_problems')
    op.drop_table('network_edges')
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buildings_entrance_id'))

    op.drop_table('buildings')
    op.drop_table('areas')
    op.drop_table('workspace')
    op.drop_table('users')
    op.drop_table('partners')
    op.drop_table('network_nodes')
    op.drop_table('import_batches')
    with op.batch_alter_table('entrances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entrances_address_key'))

    op.drop_table('entrances')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    op.drop_table('area_layers')
