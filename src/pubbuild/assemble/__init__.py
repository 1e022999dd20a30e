"""Assemble: from a manifest and its articles to one :class:`~pubbuild.model.Publication`.

- :mod:`.manifest` reads ``pubbuild.yaml`` (every key, its checks and its JSON Schema);
- :mod:`.cache` normalises the articles, from the article cache when unchanged, the rest in
  parallel, and holds :func:`~.cache.build_all` (``pubbuild build``);
- :mod:`.publication` applies the manifest's overrides and assembles the publication, and holds
  :func:`~.publication.build` (``pubbuild epub`` / ``pubbuild pdf``);
- :mod:`.matter` generates the parts, introduction, front and back matter.
"""
