# JupyterLab settings of `make lab`: nothing is fetched from the internet (no extension
# catalogue from PyPI, no news feed, no update check), so the notebooks open offline.
c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)
c.LabApp.extension_manager = "readonly"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
c.ServerApp.root_dir = "notebooks"
