-- fixture.sql — the catalog the README examples name (tests/docs/examples.py
-- runs each ```sql block on a fresh database after this).
INSERT INTO businesses VALUES (1, 'Acme'), (2, 'Globex');
INSERT INTO apps VALUES (1, 'Ledger'), (2, 'Pager');
INSERT INTO subscriptions VALUES (1, 1, 1, 'Team', 5), (2, 1, 2, 'Free', NULL);
INSERT INTO roles VALUES (1, 1, 'Viewer', 10, 0), (2, 1, 'Editor', 20, 1),
                         (3, 1, 'Owner', 30, 1), (4, 2, 'Pager user', 10, 0);
INSERT INTO users(id, email, first_name, last_name) VALUES
  (1, 'mia@acme.example', 'Mia', 'Manager'),
  (2, 'ed@acme.example', 'Ed', 'Editor'),
  (3, 'vic@acme.example', 'Vic', 'Viewer'),
  (4, 'bo@example.com', 'Bo', 'Ng'),
  (5, 'zoe@example.org', 'Zoe', 'Lin');
INSERT INTO account_managers VALUES (1, 1);
INSERT INTO members(user_id, subscription_id, role_id) VALUES (2, 1, 2), (3, 1, 1);
