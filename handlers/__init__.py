"""Slack's face of mentor-bot: one module per surface, each with `register(app: MentorApp) -> None`.

A listener is a module-level function that gets what it needs by name: Bolt's `ack`, `body`, `respond`,
`client`, and from the context bot/app.py fills (`runtime`, `home`, `router`). It may
- ack (at once, or after checks that only read the database, within Slack's 3 seconds),
- validate what Slack sent (the shape of a form, a button's value),
- call one service function in `bot/<capability>` (several only to answer one click: a check, then the act),
- answer with a message or a view built by `bot/messages`.
It never opens a database session, runs SQL or holds business rules: those are the services'. A listener
never writes to the outbox; a reply to a person's own click goes straight out.

`/mentor` subcommands are added to `app.router` (admins' with `admin=True`); interactive ids go through
`app.action`/`app.view`/`app.shortcut`, which record them for the authorization tests (handlers/registry.py).
Nothing outside this package imports it except `bot/app.py`, the assembly.
"""
