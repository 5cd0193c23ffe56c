"""``parasol-gitops validate``: build, schema-check and policy-check a GitOps repository.

Modules: ``render`` (kustomize/Helm/plain YAML → objects; the work split into ``plan``, ``run``, ``locate``,
``plain``, ``objects`` and ``tree``), ``sandbox`` (child limits), ``schemas`` (core + CRD schemas), ``appgraph``
(Argo CD app of apps), ``policies`` (production readiness), ``pipeline_sync`` (CI vs pipeline.yaml),
``findings`` (ids), ``report`` (text/json), ``engine`` (one run).
"""
