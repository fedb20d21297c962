"""Seeing the dictionary: style maps, atom pictures, code views and similar sections.

Offline tools over the same torch-free engine as the live bridge. Pictures need matplotlib (the
``[plot]`` extra), which is imported only inside the functions that draw, so that importing any
``bridge`` module stays light.
"""
