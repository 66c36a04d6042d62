namespace veil::platform {}
