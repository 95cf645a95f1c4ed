"""Qt widgets of the till. They lay out, show state and emit signals; they decide nothing."""
