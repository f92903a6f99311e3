"""The program's emails: what each kind says (`content`, registered with the outbox), when
they are written (`notices`), and who wants them (`subscriptions`)."""
