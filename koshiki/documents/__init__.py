"""Official forms (様式) of each guideline, generated from the registry as DOCX and PDF; Excel exports.

``catalog`` reads which forms a profile has (``profiles/forms/<profile>.toml``),
``facts`` gathers an account's data (from the database or the demo),
``fill`` turns both into a filled form, ``render`` writes it as DOCX
(docxtpl, overridable per city) or PDF (reportlab with the bundled IPAex
font), ``excel`` writes the registry and rosters as .xlsx.
"""
