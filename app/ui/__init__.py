"""The server-rendered web UI (Chinese first; English through the ``lang`` cookie, ``/lang/en``).

Pages, who may open them, and what they call::

    /login, /logout, /                 public / staff     app.services.users; / sends each role to its page
    /documents                         admin investment finance   drag-and-drop upload → POST /api/documents,
                                                          progress polled from GET /api/documents/{id}
    /documents/{id}/review  GET/POST   admin investment finance   clause highlighted beside each proposed
                                                          obligation; edit obligor/deadline/amount/owner;
                                                          bulk confirm/reject → app.services.obligations.review
    /agreements, /agreements/{id}      admin investment finance department   fulfilment at a glance; events
    /agreements/{id}/events    POST    admin investment finance   → services.obligations.record_event
    /obligations/{id}/fulfilment POST  admin investment finance department → services.obligations.record_fulfilment
    /evidence/{id}/file                admin investment finance department   attachment download
    /my                                admin department    my obligations by due date, warnings, failure records
                                                          with forms to answer them
    /failures/{id}                     every staff role    one integrity-failure record and the steps the
    /failures/{id}/steps       POST    (as the service allows)  caller may take → services.failures
    /finance                           admin finance       PPP projects, payment schedule, affordability chart
    /evaluate, /evaluate.csv           admin evaluator     services.stats: rates, grades, ranking, trend;
                                                          upcoming; CSV, links to /api/exports (XLSX), PDF
    /search, /calendar                 every staff role
    /sweep                  GET/POST   admin               → services.sweep.sweep_obligations
    /public                            public              published integrity-failure records

Modules: ``pages`` (controllers), ``render`` (shared context, CSP, error pages), ``i18n`` (catalogue),
``charts`` (SVG geometry, pure), ``text`` (splitting hostile text for highlighting), ``queries`` (adapters
shaping services.stats and services.ppp for the templates).
"""
