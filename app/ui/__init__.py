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
    /failures                          every staff role    the failure desk: records in scope, searched,
                                                          filtered (state, type, body, district), sorted, paged
    /failures/{id}                     every staff role    one record: history, deadlines, who acts next, clause
    /failures/{id}/steps       POST    (as the state machine allows today) → services.failures
    /inbox, /inbox/{id}[/read]         every staff role    the bell's notices; opening one marks it read
    /obligations/{id}                  every staff role    → the obligation's card on its agreement page
    /finance                           admin finance       PPP projects, payment schedule, affordability chart
    /finance/projects/{id}[/phase]     admin finance       one project: phase (→ services.ppp.set_phase), milestones
                                                          planned vs actual, payments, share of the affordability limit
    /evaluate, /evaluate.csv           admin evaluator     services.stats: rates, grades, ranking, trend;
                                                          upcoming; CSV, links to /api/exports (XLSX), PDF
    /search, /calendar                 every staff role
    /sweep                  GET/POST   admin               → services.sweep.sweep_obligations
    /public                            public              published integrity-failure records

Every form answers with a redirect that carries a signed flash (``flash``): a success message, or the errors
beside their fields with the typed values put back (``static/forms.js``); other errors are pages in the
reader's language that say what to do (``render.page_error_handler``).

Modules: ``pages`` (controllers), ``failure_desk`` and ``inbox`` (their pages), ``flash``, ``forms`` (form fields),
``render`` (shared context, CSP, error pages), ``i18n`` (catalogue), ``charts`` (SVG geometry, pure), ``text``
(splitting hostile text for highlighting), ``queries`` (adapters shaping services.stats and services.ppp for the
templates).
"""
