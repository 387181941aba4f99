"""Running the box: backups and restores, the doctor, store consistency, model files, systemd notifications."""
