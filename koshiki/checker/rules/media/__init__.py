"""Rules of the `media` family: the subject is a ``MediaFacts`` record of an attached image or video.

Each rule turns recorded facts into at most one ``Hit(0, 0, ...)`` per file;
reading the file, stripping metadata and detecting faces or screens belong to
the web application, which fills the facts in.
"""
