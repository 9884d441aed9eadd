┌──────────────────────────────────────────────────────────────┐
│ '.parameter set @ann ' || quote(invite_resend(1, '{"keep_old │
├──────────────────────────────────────────────────────────────┤
│ .parameter set @ann '{"id":1,"key":"YWDdMP8zFXTanN4xdFJ-l3au │
│ RNagpDYWobqxVeiNMVM","url":"https://invite.example.com/accep │
│ t?key=YWDdMP8zFXTanN4xdFJ-l3auRNagpDYWobqxVeiNMVM","expires_ │
│ at":"2027-03-08 09:00:00"}'                                  │
└──────────────────────────────────────────────────────────────┘
