"""Signed webhooks: an agency's coordinator registers HTTPS endpoints for the events its
records system or dashboard wants (a requirement met or no longer met, the pledge moving,
a certificate issued or revoked, an import finished).

- `services`: endpoints (created, changed, deleted, their secret rotated; each audited) and
  `emit`, which writes one delivery row per subscribed endpoint in the transaction of the
  change (an outbox: the event and its deliveries commit or roll back together; a delivery
  is unique per event and endpoint, so an event written twice is delivered once).
- `delivery`: the dispatcher, as the email outbox's: a row claimed by a conditional UPDATE,
  sent under its row lock, marked delivered in that transaction; retried with a growing
  delay over about a day, then failed, for the coordinator to see and send again.
- `signing`: Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`,
  `webhook-signature: v1,<base64 HMAC-SHA256>`).
- `network`: where a webhook may go: https, to a host whose every address is public,
  checked on save and at each attempt, and the connection made to the address checked.
"""
