"""Each chapter's figures: plain ``plot_*(ax, ...)`` functions and the views its explorers drive."""
