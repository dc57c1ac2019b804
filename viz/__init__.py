"""The browser dashboard of the talks (``python run.py demo``), built on Mesa's SolaraViz.

Modules: ``panels`` turns a model's records into the tables the panels draw (no Solara needed),
``app`` is the Solara page, ``cli`` the ``demo`` sub-command, ``install_assets`` fills Solara's
front-end asset cache from the npm registry so the page works without internet. Importing the
package does nothing; Solara is imported only by ``app``.
"""
