"""Demonstration data: who the demo users are and which countries, ports and facilities they see.

:mod:`ips.demo.data` holds the curated facts, :mod:`ips.demo.builder` the steps that write them.
"""
