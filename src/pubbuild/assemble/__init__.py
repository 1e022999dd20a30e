"""Assemble: from a manifest and its articles to one :class:`~pubbuild.model.Publication`, and the build.

- :mod:`.manifest` reads ``pubbuild.yaml`` (every key, its checks and its JSON Schema);
- :mod:`.cache` normalises the articles, from the article cache when unchanged, the rest in
  parallel;
- :mod:`.publication` applies the manifest's overrides and assembles the publication;
- :mod:`.matter` generates the parts, introduction, front and back matter;
- :mod:`.build` is the build under one name: :func:`~.build.build` (one format) and
  :func:`~.build.build_all` (every format), each rendering through :func:`pubbuild.pipeline.render`.
"""
