"""Text normalisation: Unicode, the search fold, canonical document keys, diacritic repair.

One function per concept lives here and is used by extract, storage and the query
parser alike: ``normalize.fold.fold`` (search), ``normalize.keys.canonical_key``
(document keys, damaged forms included), ``normalize.repair`` (English-OCR damage).
"""
