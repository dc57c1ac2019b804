"""The browser dashboard of the talks (``python run.py demo``), built on Mesa's SolaraViz.

Modules, in the order data flows: ``controls`` builds the sliders from a scenario (defaults are the
scenario's own), ``session`` turns their values into one browser session's run of the model,
``panels`` prepares what each panel shows from the model's records, ``figures`` draws it, ``app``
is the Solara page, ``cli`` the ``demo`` sub-command. ``install_assets`` fills Solara's front-end
asset cache from the npm registry so the page works without internet; ``browser`` drives the page
in Debian's Chromium with outside network blocked (for the browser test and ``snapshot``, which
saves screenshots of the page). Importing the package does nothing; Solara is imported only by
``app``, Playwright only when a browser is driven.
"""
