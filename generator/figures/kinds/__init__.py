"""One module per figure kind; see generator.figures.registry for the interface."""
