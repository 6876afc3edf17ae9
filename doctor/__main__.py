from doctor.launch import entry

entry()
