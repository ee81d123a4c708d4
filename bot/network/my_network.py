"""My network: someone's contacts a page at a time (by name), their soonest open promises and their volume,
for `/mentor contacts` and the App Home section. Only the owner ever reads it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.messages.contacts import ContactLine
from bot.messages.introductions import Volume
from bot.messages.network import CONTACTS_PER_PAGE, NetworkPage
from bot.network.promises import open_promises
from bot.network.volume import volume_of
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.runtime import Runtime
from storage.models import Contact

PROMISES_SHOWN = 10


def network_page(
    runtime: Runtime, team_id: str, user_id: str, page: int = 0, per_page: int = CONTACTS_PER_PAGE
) -> NetworkPage:
    """Your contacts, a page at a time (by name), and your open promises, soonest first."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        if me is None:
            return NetworkPage([], 0, 0, 1, [], 0, Volume(0, program.load(session, team_id).volume_guard))
        mine = (Contact.team_id == team_id) & (Contact.owner_id == me.id)
        total = int(session.scalar(select(func.count(Contact.id)).where(mine)) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 0), pages - 1)
        rows = session.execute(
            select(
                Contact.id,
                Contact.slack_user_id,
                Contact.name,
                Contact.last_talked_at,
                Contact.keep_in_touch_days,
            )
            .where(mine)
            .order_by(func.lower(Contact.name), Contact.id)
            .offset(page * per_page)
            .limit(per_page)
        ).all()
        promises, open_count = open_promises(session, team_id, me.id, PROMISES_SHOWN)
        return NetworkPage(
            [ContactLine(*row) for row in rows],
            total,
            page,
            pages,
            promises,
            open_count,
            volume_of(session, team_id, me.id),
        )
