"""The screening matcher: pure Python over `watchlists.model.Party`, no framework imports.

Read in this order: `text` (cleaning, validation) -> `translit` (scripts to Latin) ->
`phonetic` (keys) -> `vocab` / `variants` (what a word is) -> `names` (a name as words) ->
`compare` / `align` (two names, explained) -> `features` (the declarative scoring list) ->
`scoring` (one entry) -> `index` (stage 1 candidates) -> `screen` (the use cases).
"""
