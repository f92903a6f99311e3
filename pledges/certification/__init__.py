"""Certification: reviewers' decisions and certificates (services), the staff review pages,
public verification and the directory, and the certificate as a PDF."""
