"""Documents: uploads, extraction per file type, pieces in the knowledge index, streamed summaries."""
