"""carts: the open sale the server holds, parked carts, and asking before a takeover

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 21:00:00

Existing shops ask before taking over an open sale (the default); existing sessions
parked nothing.
"""

import sqlalchemy as sa
from alembic import op

import nixpos.server.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('carts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('updated_at', nixpos.server.models.UTCDateTime(), nullable=False),
    sa.Column('parked_at', nixpos.server.models.UTCDateTime(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['pos_sessions.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminals.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'client_id', name='uq_carts_tenant_client_id')
    )
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.create_index('ix_carts_session_state', ['session_id', 'state'], unique=False)
        batch_op.create_index('ix_carts_staff_state', ['staff_id', 'state'], unique=False)

    # Plain ADD COLUMN on both databases: a batch would copy these tables on SQLite, which
    # other tables' foreign keys refuse.
    op.add_column('pos_sessions', sa.Column('parked_client_id', sa.String(length=64),
                                            nullable=True))
    op.add_column('pos_sessions', sa.Column('parked_items', sa.Integer(), nullable=True))
    op.add_column('pos_sessions', sa.Column('parked_total', sa.Integer(), nullable=True))
    op.add_column('tenants', sa.Column('ask_before_takeover', sa.Boolean(),
                                       server_default=sa.text('true'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('ask_before_takeover')
    with op.batch_alter_table('pos_sessions', schema=None) as batch_op:
        batch_op.drop_column('parked_total')
        batch_op.drop_column('parked_items')
        batch_op.drop_column('parked_client_id')
    with op.batch_alter_table('carts', schema=None) as batch_op:
        batch_op.drop_index('ix_carts_staff_state')
        batch_op.drop_index('ix_carts_session_state')
    op.drop_table('carts')
