"""Reminders by e-mail: rules as pure functions, the mailer and the scheduler (own process)."""
