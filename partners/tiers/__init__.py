"""Program tiers: ordered levels per tenant with requirements and benefits, evaluated nightly."""
