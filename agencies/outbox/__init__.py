"""The outbox: every email is first a row, written in the transaction of the event that
causes it, then sent exactly once by the dispatcher. Every app's emails go through it, each
app registering its kinds (`kinds.register`) in its AppConfig.ready.

- `services`: writing rows (`outbox_add`; a row's `key` — kind, agency, period or event,
  recipient — is unique, so an event or a schedule that runs twice writes one row) and
  staff's send-again.
- `sending`: the dispatcher. It claims a row with a conditional UPDATE (pending, or a claim
  whose lease ran out), renders it outside any transaction (`messages`), then sends it
  while holding the row's lock and marks it sent in that same transaction. Two workers
  never both send a row: the second one's claim matches nothing, or waits for the lock and
  then finds it sent.
- `kinds`: the registry of what each kind says, and the check made again just before it
  is sent (unsubscribed, no longer a member, the invitation withdrawn...).

The modules are imported by name (`from agencies.outbox import sending`): this package
re-exports nothing, so the models, the tasks and the outbox can import each other's parts
without a cycle.
"""
