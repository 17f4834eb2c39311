/**
 * Example service for {@code ledger-testkit}: {@link dev.ledger.examples.payments.PaymentsService} uses the SDK only;
 * its tests use the testkit only, as a user's would. Not part of the product.
 */
package dev.ledger.examples.payments;
