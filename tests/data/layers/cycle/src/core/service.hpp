// Fixture for the layering check: a core header in a tree whose table has a cycle.
#pragma once
