"""The bias audit: impact ratios of the team's own results and the name-swap check of a
model.

One module per concern: ``categories`` (self-reported sex and race/ethnicity: read,
validate row by row, store apart from resumes), ``sample`` (which candidate decisions an
audit counts), ``impact`` (selection and scoring rates, impact ratios, per NYC 6 RCNY
§5-300/§5-301 and 29 CFR §1607.4(D)), ``report`` (table, charts, CSV, standalone HTML),
``names`` (name lists and their sources) and ``name_swap`` (the same resume with only the
name and gendered words swapped, scored through ``resumatch.pipeline.match``).

Layer: above ``pipeline`` (the name-swap check ranks through it); nothing below imports
this package, and nothing that ranks or embeds reads the categories.
"""
