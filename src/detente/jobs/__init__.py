"""Jobs: the stages run over many documents, into the store (ingest, recode, watch).

Each job is a plain function taking an open ``Store``; the CLI, the web server and distributed
runs call the same functions, and all of them code through ``jobs.coding.code_chunk``.
"""
