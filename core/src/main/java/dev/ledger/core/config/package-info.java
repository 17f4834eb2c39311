/**
 * The core's settings: the immutable {@link dev.ledger.core.config.CoreConfig} (validated once, defaults named
 * once) and its picocli flags with {@code LEDGER_CORE_*} environment variables,
 * {@link dev.ledger.core.config.CoreOptions}. Calls nothing else of the project.
 */
package dev.ledger.core.config;
