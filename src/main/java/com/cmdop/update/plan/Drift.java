package com.cmdop.update.plan;

/** A managed setting whose actual value differs from the desired one; values are JSON-ready. */
public record Drift(String setting, Object before, Object after) {}
