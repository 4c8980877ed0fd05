"""What Facebook Pages, Instagram and Threads share: the Graph client, its error mapping, media
URLs, container polling and the container ids kept for reconciliation."""
