"""The rules engine: the four requirements judged from figures (`evaluation`), the figures in
SQL and the daily snapshots (`progress`), the partnership's and the policy's findings, pace,
who is in scope, what a submission freezes, and the pledge's allowed moves (`lifecycle`)."""
