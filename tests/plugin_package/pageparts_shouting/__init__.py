"""A third-party pageparts plugin used by the tests: blocks in capitals are 'shouting'."""

from pageparts import PluginInfo, Vote, hookimpl


@hookimpl
def pageparts_plugin_info():
    return PluginInfo("shouting", ("shouting",), description="Blocks written in capitals.")


@hookimpl
def pageparts_classify(document):
    return [
        Vote("shouting", block.index, "shouting", 0.99, "every letter is a capital")
        for block in document.blocks
        if block.text.isupper() and len(block.text) > 3
    ]
