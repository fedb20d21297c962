"""A searchable library of section codes: ``sidl index`` builds it once (incrementally), ``sidl similar
--index`` searches it through an approximate-nearest-neighbour index with exact re-ranking.
See docs/library-search.md."""
