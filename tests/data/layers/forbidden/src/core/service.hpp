// Fixture for the layering check: a core header that reaches up into http.
#pragma once
#include "http/message.hpp"
