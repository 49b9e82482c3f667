"""The analysis cache, shared by the findings CLI and the app (neither imports the other): the
entry (`CachedAnalysis`), its store (`AnalysisCache`, keyed by `EntryKey`) and a finding's
JSON text, which both the entry and the findings report hold."""
