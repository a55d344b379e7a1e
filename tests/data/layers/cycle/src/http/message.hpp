// Fixture for the layering check: an http header.
#pragma once
