"""Roster and training-record imports, from an agency's export to stored rows.

One module per question: `reading` (what a CSV or XLSX file holds, with bounded work;
`workbooks` streams XLSX), `rows` (what each column means and how a cell becomes a checked
value), `planning` (what the file would create, update or skip: the dry run), `runs` (a
confirmed import, whole or not at all, under a lease), `services` (the steps a coordinator
takes: upload, preview, confirm, retry, cancel) and `views` (their pages); `guide` (what the
upload page says of each column) and `samples` (the templates to fill in) help a coordinator
start.
"""
