"""Reading documents: the first step of the flow.

A source (a file, standard input, a URL, or a record of a JSON Lines or WARC file) becomes an
``Input``: its bytes decoded as a browser would (``charsets``), one at a time from a stream of
many (``stream``), skipping what an interrupted run already wrote (``resume``). The host
(``pageparts.host``) takes each input from here.
"""
